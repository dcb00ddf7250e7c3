import { runService } from "@bazaar/service-kit/platform";
import { service } from "./service.js";

runService(service);
