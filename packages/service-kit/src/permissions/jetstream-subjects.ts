/**
 * The JetStream API subjects a permission names (nats-server's `$JS.API` reference). Every JetStream call
 * is a request on one of these, so allowing a subject allows exactly that operation on that stream or
 * consumer.
 */
const API = "$JS.API";

export const js = {
  info: `${API}.INFO`,
  streamNames: `${API}.STREAM.NAMES`,
  streamList: `${API}.STREAM.LIST`,
  streamCreate: (stream: string) => `${API}.STREAM.CREATE.${stream}`,
  streamUpdate: (stream: string) => `${API}.STREAM.UPDATE.${stream}`,
  streamInfo: (stream: string) => `${API}.STREAM.INFO.${stream}`,
  streamDelete: (stream: string) => `${API}.STREAM.DELETE.${stream}`,
  streamPurge: (stream: string) => `${API}.STREAM.PURGE.${stream}`,
  msgGet: (stream: string) => `${API}.STREAM.MSG.GET.${stream}`,
  msgDelete: (stream: string) => `${API}.STREAM.MSG.DELETE.${stream}`,
  consumerList: (stream: string) => `${API}.CONSUMER.LIST.${stream}`,
  consumerNames: (stream: string) => `${API}.CONSUMER.NAMES.${stream}`,
  /** The named create (also the update): `<stream>.<consumer>`, optionally `.<filter subject>`. */
  consumerCreate: (stream: string, consumer: string) => `${API}.CONSUMER.CREATE.${stream}.${consumer}`,
  consumerCreateFiltered: (stream: string, consumer: string, filter: string) =>
    `${API}.CONSUMER.CREATE.${stream}.${consumer}.${filter}`,
  durableCreate: (stream: string, consumer: string) => `${API}.CONSUMER.DURABLE.CREATE.${stream}.${consumer}`,
  consumerInfo: (stream: string, consumer: string) => `${API}.CONSUMER.INFO.${stream}.${consumer}`,
  consumerDelete: (stream: string, consumer: string) => `${API}.CONSUMER.DELETE.${stream}.${consumer}`,
  next: (stream: string, consumer: string) => `${API}.CONSUMER.MSG.NEXT.${stream}.${consumer}`,
  /** Acks, naks, terms and progress of a consumer's messages are publishes to its ack subjects. */
  ack: (stream: string, consumer: string) => `$JS.ACK.${stream}.${consumer}.>`,
} as const;
