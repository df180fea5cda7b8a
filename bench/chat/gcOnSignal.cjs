// Benchmark instrumentation only, preloaded into the measured servers (--require): SIGUSR2 runs
// a full garbage collection, so that RSS is read without the garbage of the connection burst.
const v8 = require('node:v8');
const vm = require('node:vm');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
process.on('SIGUSR2', () => gc());
