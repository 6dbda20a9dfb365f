/**
 * The listening socket. It binds 127.0.0.1 unless told otherwise, and tracks its connections so
 * close() can end them all.
 */
import net from 'node:net';
import { BufferPool } from './buffer-pool';
import { Connection } from './connection';
import type { RequestDispatcher } from './request-dispatcher';

export interface TcpServerOptions {
  host: string;
  port: number;
  maxFrameBytes: number;
  onProtocolError(remote: string, reason: string): void;
}

export class TcpServer {
  private readonly connections = new Set<Connection>();
  private readonly server: net.Server;

  /** Shared by all connections, so the buffers held for reuse are bounded for the whole broker. */
  private readonly bufferPool = new BufferPool();

  private constructor(dispatcher: RequestDispatcher, options: TcpServerOptions) {
    this.server = net.createServer((socket) => {
      const connection = new Connection(socket, dispatcher, { ...options, bufferPool: this.bufferPool });
      this.connections.add(connection);
      socket.on('close', () => this.connections.delete(connection));
    });
  }

  static listen(dispatcher: RequestDispatcher, options: TcpServerOptions): Promise<TcpServer> {
    const tcp = new TcpServer(dispatcher, options);
    return new Promise((resolve, reject) => {
      tcp.server.once('error', reject);
      tcp.server.listen({ host: options.host, port: options.port, backlog: 1024 }, () => {
        tcp.server.off('error', reject);
        resolve(tcp);
      });
    });
  }

  /** The port actually bound, which differs from the one asked for when that was 0. */
  get port(): number {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('server is not listening on TCP');
    return address.port;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  close(): Promise<void> {
    for (const connection of this.connections) connection.close();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
