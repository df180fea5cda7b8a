// Child of trafficProcess.ts in `--sink held` mode: binds the sink sockets with the smallest
// receive buffer and says "ready"; the parent then stops this process (SIGSTOP), so nothing
// ever reads them. Every packet the worker forwards still crosses the kernel's whole receive
// path up to the socket, where it is dropped and counted ("drops" in /proc/net/udp): a sink
// that costs no CPU of its own and wakes no reader.
import * as dgram from 'node:dgram';

const ports = process.argv.slice(2).map(Number);
let bound = 0;
for (const port of ports) {
  const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 });
  socket.on('error', (error) => {
    process.stderr.write(`sink ${port}: ${error.message}\n`);
    process.exit(1);
  });
  socket.bind(port, '127.0.0.1', () => {
    if (++bound === ports.length) process.stdout.write('ready\n');
  });
}
