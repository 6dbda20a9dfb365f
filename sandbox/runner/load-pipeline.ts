// Loads a bundled pipeline file. The bundle leaves `medallion-studio/pipeline` (and `/replay`) out,
// and they are answered here with this process's own modules: the pipeline then builds its plan with
// the same authoring API and engine the runner compiles it with, and the runner needs no sandbox
// sources at run time (an installed extension ships only bundles).
import Module from 'node:module';
import * as pipelineApi from '../pipeline';
import * as replayApi from '../replay';

export const PROVIDED_MODULES: Readonly<Record<string, unknown>> = {
  'medallion-studio/pipeline': pipelineApi,
  'medallion-studio/replay': replayApi,
};

let hooked = false;

export function requirePipelineBundle(bundleFile: string): unknown {
  if (!hooked) {
    const loader = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
    const original = loader._load;
    loader._load = function load(this: unknown, request: string, parent: unknown, isMain: boolean): unknown {
      return Object.hasOwn(PROVIDED_MODULES, request) ? PROVIDED_MODULES[request] : original.call(this, request, parent, isMain);
    };
    hooked = true;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(bundleFile);
}
