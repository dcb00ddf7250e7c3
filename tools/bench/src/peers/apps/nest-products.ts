// The NestJS peer's microservice: a `@MessagePattern` handler over the NATS transport, reading the
// products table through a provider holding a prepared better-sqlite3 statement.
import "reflect-metadata";
import { Controller, Inject, Module } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import {
  MessagePattern,
  type MicroserviceOptions,
  Payload,
  RpcException,
  Transport,
} from "@nestjs/microservices";
import Database from "better-sqlite3";
import { PRODUCT_SQL, type ProductRow, peerEnv, toProduct } from "./peer-env.js";

const PRODUCTS_DB = "PRODUCTS_DB";

class ProductsRepository {
  private readonly get;
  constructor(file: string) {
    this.get = new Database(file, { readonly: true }).prepare<[string], ProductRow>(PRODUCT_SQL);
  }
  find(sku: string) {
    const row = this.get.get(sku);
    return row ? toProduct(row) : undefined;
  }
}

// Constructor parameters are injected by token: tsx (esbuild) does not emit decorator metadata.
@Controller()
class ProductsController {
  constructor(@Inject(PRODUCTS_DB) private readonly products: ProductsRepository) {}

  @MessagePattern("products.get")
  get(@Payload() data: { sku: string }) {
    const product = this.products.find(data.sku);
    if (!product) throw new RpcException(`product ${data.sku} not found`);
    return product;
  }
}

@Module({
  controllers: [ProductsController],
  providers: [{ provide: PRODUCTS_DB, useFactory: () => new ProductsRepository(peerEnv("DB_FILE")) }],
})
class ProductsModule {}

const app = await NestFactory.createMicroservice<MicroserviceOptions>(ProductsModule, {
  transport: Transport.NATS,
  options: { servers: [peerEnv("NATS_URL")], user: peerEnv("NATS_USER"), pass: peerEnv("NATS_PASSWORD") },
  logger: ["error", "warn"],
});
await app.listen();
