/**
 * Headers the router puts on each record of the keyed topic: which stream the Avro value belongs
 * to, which route (key) it was sent on, and the partition it came from (its order is kept per origin).
 */
export const ROUTE_HEADERS = { stream: 'route-stream', route: 'route', origin: 'route-origin' } as const;

export type RoutedStream = 'calls' | 'sms';
