/**
 * web3.js 1.x has no way to close a Connection's websocket: it closes it itself 500 ms after the last subscription
 * ends (confirmTransaction's included), and reconnects forever if the server goes first. Tests wait this long
 * before stopping a local chain they used through a Connection.
 */
export const waitForIdleWebsocket = () => new Promise((resolve) => setTimeout(resolve, 700));
