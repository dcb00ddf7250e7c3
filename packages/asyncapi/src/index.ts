export { type AsyncApiOptions, buildAsyncApi } from "./build-asyncapi.js";
export { fixtureExamples } from "./fixtures.js";
