// The deploy tool's surface, for scripts and other tools. The CLIs are src/cli.ts (deploy:service),
// src/generate.ts, src/affected.ts (test:affected) and src/k8s/install-kustomize.ts.
export { chooseScmBase, gitRefExists, type ScmBase } from "./affected.js";
export { buildCommand, deployCommand, slimShell } from "./commands.js";
export {
  buildServices,
  DeployFolderError,
  type DeployResult,
  type DeployServiceOptions,
  defaultOutDir,
  deployService,
} from "./deploy-service.js";
export { renderDockerfile } from "./docker/dockerfile.js";
export { type FolderReport, inspectDeployFolder } from "./inspect-folder.js";
export { checkNats } from "./k8s/check-nats.js";
export { checkServices, type ServiceCheckOptions } from "./k8s/check-services.js";
export { kitRoutes } from "./k8s/kit-routes.js";
export { findKustomize, installKustomize, kustomizeBuild } from "./k8s/kustomize.js";
export { type KubeObject, parseManifests, validateObject } from "./k8s/objects.js";
export { checkProbes, type ServedPaths } from "./k8s/probes.js";
export { renderServiceManifests } from "./k8s/service-manifests.js";
export { findRepoRoot, findService, listServices, type ServiceInfo } from "./repo.js";
export { slimDeployFolder } from "./slim-folder.js";
