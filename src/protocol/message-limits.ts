/**
 * The largest JSON-RPC message the server accepts, per websocket message or stdio line: 128 MiB, what the real
 * clients accept in the other direction. (The reference 0.169.0 itself drops a connection at tungstenite's 16 MiB
 * frame limit; we accept the larger size so a client can send what it can also receive, e.g. `fs/writeFile`.)
 */
export const MAX_INBOUND_MESSAGE_BYTES = 128 * 1024 * 1024;

/**
 * The largest message a client is known to read: anything bigger is dropped by the client with its connection
 * (the real clients' websocket limit). The server sends any size; only `fs/readFile` sizes its answer by it.
 */
export const MAX_CLIENT_MESSAGE_BYTES = 128 * 1024 * 1024;
