/** The only two IPC channel names between preload and main; nothing else is forwarded. */
export const IPC_CALL = 'pos:call';
export const IPC_EVENT = 'pos:event';
