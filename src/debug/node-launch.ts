/**
 * The `node` launch configuration a `medallion` one resolves to. Pure: the provider gathers the
 * inputs from VS Code (pipeline file, connection, settings), and this decides what js-debug runs,
 * so what matters for breakpoints to bind is tested in plain Node.
 */
import path from 'node:path';

export interface NodeLaunchInputs {
  /** The launch configuration's name, if it has one. */
  name: string | undefined;
  /** The bundled CLI (`dist/cli.js`). */
  cliPath: string;
  /** The pipeline file, absolute. */
  pipeline: string;
  /** `--bootstrap …` and, for TLS or SASL, their flags (see cliConnection). */
  connectionArgs: string[];
  /** The environment the connection needs (a SASL password travels here, never in argv). */
  connectionEnv: Record<string, string>;
  workers: number;
  /** The workspace folder, if the pipeline is in one. */
  folder: string | undefined;
  /** js-debug's own tracing, passed through from the launch configuration when it asks for it. */
  trace: unknown;
}

export function nodeLaunchOf(inputs: NodeLaunchInputs): Record<string, unknown> {
  const { cliPath, pipeline } = inputs;
  const distFolder = path.dirname(cliPath);
  return {
    type: 'node',
    request: 'launch',
    name: inputs.name ?? `Debug ${path.basename(pipeline)}`,
    program: cliPath,
    // Bronze is read from its start while the pipeline has no checkpoint, as "Run" does: what was
    // replayed before the session started is what reaches the breakpoints. A paused worker sends no
    // heartbeats, so no worker is killed as a hung one (--hang-timeout-ms 0).
    args: ['run', pipeline, ...inputs.connectionArgs, '--workers', String(inputs.workers), '--from-beginning', '--hang-timeout-ms', '0'],
    cwd: inputs.folder ?? path.dirname(pipeline),
    env: inputs.connectionEnv,
    runtimeArgs: ['--enable-source-maps'],
    sourceMaps: true,
    // The workers are child processes of the CLI; js-debug attaches to them through the bootloader
    // it puts in NODE_OPTIONS, which the runner passes on to every worker it spawns.
    autoAttachChildProcesses: true,
    // The runner writes the bundle of the user's pipeline, with its inline source map, to the
    // temporary folder; js-debug reads only the source maps these globs allow. The CLI and worker
    // bundles ship without their maps, so looking for them would only print an error.
    resolveSourceMapLocations: ['**', '!**/node_modules/**', `!${distFolder}/**`],
    // js-debug finds the pipeline bundle's map when the worker loads it; scanning the workspace for
    // compiled files beforehand would find nothing of it.
    outFiles: [],
    // Stepping stays in the user's code: the engine's frames are in the CLI and worker bundles.
    skipFiles: ['<node_internals>/**', `${distFolder}/**`],
    console: 'internalConsole',
    outputCapture: 'std',
    ...(inputs.trace === undefined ? {} : { trace: inputs.trace }),
  };
}
