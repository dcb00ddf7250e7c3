/** The Zipkin server release the viewer runs: its executable jar from Maven Central (UI included). */
export const ZIPKIN_VERSION = "3.6.1";

/** Maven coordinates of that jar (`group:artifact:version:type:classifier`). */
export const ZIPKIN_ARTIFACT = `io.zipkin:zipkin-server:${ZIPKIN_VERSION}:jar:exec`;

/** Zipkin 3 runs on Java 17 or newer. */
export const MINIMUM_JAVA = 17;

/**
 * The OpenTelemetry Collector release `collector/` is built from: the last contrib release that still
 * ships the Zipkin exporter (it was removed after v0.148.0). Its go.mod pins every module to it.
 */
export const COLLECTOR_VERSION = "0.148.0";

/** Where Zipkin's UI lives on its port. */
export const ZIPKIN_UI_PATH = "/zipkin/";

/** Standard ports: OTLP/HTTP 4318 (the SDKs' default), Zipkin 9411. */
export const DEFAULT_OTLP_HTTP_PORT = 4318;
export const DEFAULT_UI_PORT = 9411;
