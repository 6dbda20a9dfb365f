/**
 * The listening socket, plain TCP or TLS. It binds 127.0.0.1 unless told otherwise, and tracks its
 * connections so close() can end them all. Over TLS the same protocol is spoken once the handshake
 * is done; a client that fails the handshake (plain TCP on a TLS port, say) loses its connection only.
 */
import net from 'node:net';
import tls from 'node:tls';
import { BufferPool } from './buffer-pool';
import { Connection } from './connection';
import type { RequestDispatcher } from './request-dispatcher';

export interface TcpServerOptions {
  host: string;
  port: number;
  maxFrameBytes: number;
  /** The frame limit before SASL authentication; absent when the broker does not require SASL. */
  unauthenticatedMaxFrameBytes?: number;
  /** The server's certificate chain and private key, PEM; without them the listener is plain TCP. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  onProtocolError(remote: string, reason: string): void;
}

export class TcpServer {
  private readonly connections = new Set<Connection>();
  private readonly server: net.Server;

  /** Shared by all connections, so the buffers held for reuse are bounded for the whole broker. */
  private readonly bufferPool = new BufferPool();

  private constructor(dispatcher: RequestDispatcher, options: TcpServerOptions) {
    const accept = (socket: net.Socket) => {
      const connection = new Connection(socket, dispatcher, { ...options, bufferPool: this.bufferPool });
      this.connections.add(connection);
      socket.on('close', () => this.connections.delete(connection));
    };
    if (options.tls) {
      const server = tls.createServer({ cert: options.tls.cert, key: options.tls.key, handshakeTimeout: 10_000 }, accept);
      server.on('tlsClientError', (error, socket) => {
        options.onProtocolError(`${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`, `TLS handshake failed: ${error.message}`);
        socket.destroy();
      });
      this.server = server;
    } else {
      this.server = net.createServer(accept);
    }
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
