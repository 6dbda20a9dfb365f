// Connect to an external Kafka cluster instead of the sandbox, with TLS and SASL; the password goes
// to VS Code's SecretStorage, everything else to the workspace settings.
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { SASL_PASSWORD_SECRET } from '../kafka/connection';
import type { CommandTable } from './run-command';

const HOST_PORT = /^[^\s:,]+:\d{1,5}$/;

export function connectionCommands(ctx: Ctx): CommandTable {
  return {
    'medallion.connection.connectExternal': async () => {
      const config = vscode.workspace.getConfiguration('medallion.kafka');
      const servers = await vscode.window.showInputBox({
        title: 'External Kafka cluster (1/3)',
        prompt: 'Bootstrap servers, comma-separated',
        placeHolder: 'broker-1.example.com:9093,broker-2.example.com:9093',
        value: config.get<string>('bootstrapServers', ''),
        validateInput: (value) => (value.split(',').map((s) => s.trim()).every((s) => HOST_PORT.test(s)) ? undefined : 'Give host:port pairs separated by commas'),
      });
      if (servers === undefined) return;
      const tls = await vscode.window.showQuickPick(['TLS', 'Plain text'], { title: 'External Kafka cluster (2/3)', placeHolder: 'Transport' });
      if (!tls) return;
      const mechanism = await vscode.window.showQuickPick(['none', 'plain', 'scram-sha-256', 'scram-sha-512'], { title: 'External Kafka cluster (3/3)', placeHolder: 'SASL mechanism' });
      if (!mechanism) return;
      let username = '';
      if (mechanism !== 'none') {
        const user = await vscode.window.showInputBox({ prompt: 'SASL user name', value: config.get<string>('sasl.username', '') });
        if (user === undefined) return;
        const password = await vscode.window.showInputBox({ prompt: 'SASL password (kept in VS Code secret storage)', password: true });
        if (password === undefined) return;
        username = user;
        await ctx.secrets.store(SASL_PASSWORD_SECRET, password);
      } else {
        await ctx.secrets.delete(SASL_PASSWORD_SECRET);
      }
      const target = vscode.ConfigurationTarget.Workspace;
      await config.update('bootstrapServers', servers.split(',').map((s) => s.trim()).join(','), target);
      await config.update('ssl', tls === 'TLS', target);
      await config.update('sasl.mechanism', mechanism, target);
      await config.update('sasl.username', username, target);
      const snapshot = await ctx.topics.refresh();
      if (snapshot.kind === 'unavailable') throw new Error(`saved, but the cluster did not answer: ${snapshot.reason}`);
      void vscode.window.showInformationMessage(`Medallion: connected to ${servers} (${snapshot.topics.length} topics)`);
    },
    'medallion.connection.useSandbox': async () => {
      const config = vscode.workspace.getConfiguration('medallion.kafka');
      await config.update('bootstrapServers', undefined, vscode.ConfigurationTarget.Workspace);
      await config.update('bootstrapServers', undefined, vscode.ConfigurationTarget.Global);
      void ctx.topics.refresh();
    },
  };
}
