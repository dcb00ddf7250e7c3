// The NestJS peer's HTTP app (the default Express platform): a controller sending `products.get` to the
// microservice through a NATS `ClientProxy` registered with `ClientsModule`.
import "reflect-metadata";
import { Controller, Get, Inject, Module, NotFoundException, Param } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { type ClientProxy, ClientsModule, Transport } from "@nestjs/microservices";
import { firstValueFrom } from "rxjs";
import { peerEnv } from "./peer-env.js";

const PRODUCTS_SERVICE = "PRODUCTS_SERVICE";

@Controller("api/products")
class ProductsController {
  constructor(@Inject(PRODUCTS_SERVICE) private readonly client: ClientProxy) {}

  @Get(":sku")
  async get(@Param("sku") sku: string) {
    try {
      return await firstValueFrom(this.client.send("products.get", { sku }));
    } catch {
      throw new NotFoundException();
    }
  }
}

@Module({
  imports: [
    ClientsModule.register([
      {
        name: PRODUCTS_SERVICE,
        transport: Transport.NATS,
        options: {
          servers: [peerEnv("NATS_URL")],
          user: peerEnv("NATS_USER"),
          pass: peerEnv("NATS_PASSWORD"),
        },
      },
    ]),
  ],
  controllers: [ProductsController],
})
class AppModule {}

const app = await NestFactory.create(AppModule, { logger: ["error", "warn"] });
await app.listen(Number(peerEnv("PORT")), "127.0.0.1");
