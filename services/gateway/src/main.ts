import { runService } from "@bazaar/service-kit";
import { service } from "./service.js";

runService(service);
