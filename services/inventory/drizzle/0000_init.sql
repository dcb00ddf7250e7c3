CREATE TABLE `products` (
	`sku` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`price_cents` integer NOT NULL,
	`currency` text NOT NULL,
	`on_hand` integer NOT NULL,
	`reserved` integer DEFAULT 0 NOT NULL,
	`low_stock_threshold` integer DEFAULT 5 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "products_stock_bounds" CHECK("products"."reserved" >= 0 AND "products"."reserved" <= "products"."on_hand"),
	CONSTRAINT "products_price" CHECK("products"."price_cents" >= 0)
);
--> statement-breakpoint
CREATE TABLE `reservation_items` (
	`order_id` text NOT NULL,
	`sku` text NOT NULL,
	`quantity` integer NOT NULL,
	PRIMARY KEY(`order_id`, `sku`),
	FOREIGN KEY (`order_id`) REFERENCES `reservations`(`order_id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`sku`) REFERENCES `products`(`sku`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `reservations` (
	`order_id` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`rejection` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `reservations_status` ON `reservations` (`status`);