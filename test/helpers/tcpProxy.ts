/** A TCP proxy that can drop traffic: tools/harness/tcpProxy.ts (the soak run uses it too). */
export { startTcpProxy, type ProxyMode, type TcpProxy } from '../../tools/harness/tcpProxy.ts';
