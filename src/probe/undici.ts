// undici, for the HTTPS driver and CRL/OCSP fetches, with V8 told not to optimise its HTTP parser.
//
// undici parses HTTP with llhttp compiled to WebAssembly. V8 compiles it quickly (Liftoff) and then
// again, optimised (TurboFan), in the background: that second compile held ~38 MB of memory for a
// moment in each thread at its first request (a process fetching one CRL peaked at 102 MB of RSS,
// 64 MB with this flag) and kept ~10 MB. Parsing an HTTP head is a sliver of a probe's cost; the
// quick code does. The flag is process-wide and read at compile time, which undici defers to the
// first request.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--liftoff-only');

export { Client, request } from 'undici';
