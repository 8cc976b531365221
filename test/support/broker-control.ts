import { connect } from 'node:net';

/** One command to the mock broker launcher's control port (infra/broker): `create-topic NAME 6`, `broker-down 2`, … */
export function brokerControl(address: string, command: string, timeoutMs = 5_000): Promise<string> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    let reply = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`broker control ${address} did not answer ${JSON.stringify(command)} in ${timeoutMs} ms`));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(command + '\n'));
    socket.on('data', (chunk: string) => {
      reply += chunk;
      if (!reply.includes('\n')) return;
      clearTimeout(timer);
      socket.end();
      const line = reply.split('\n')[0]!.trim();
      if (line.startsWith('ok')) resolve(line);
      else reject(new Error(`broker control ${JSON.stringify(command)}: ${line}`));
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
