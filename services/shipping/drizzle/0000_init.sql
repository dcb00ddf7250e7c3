CREATE TABLE `shipment_rejections` (
	`order_id` text PRIMARY KEY NOT NULL,
	`rejection` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `shipments` (
	`order_id` text PRIMARY KEY NOT NULL,
	`shipment_id` text NOT NULL,
	`tracking_number` text NOT NULL,
	`carrier` text NOT NULL,
	`status` text NOT NULL,
	`recipient` text NOT NULL,
	`line1` text NOT NULL,
	`line2` text,
	`city` text NOT NULL,
	`postal_code` text NOT NULL,
	`country` text NOT NULL,
	`items` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `shipments_shipment_id_unique` ON `shipments` (`shipment_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `shipments_tracking_number_unique` ON `shipments` (`tracking_number`);--> statement-breakpoint
CREATE INDEX `shipments_status` ON `shipments` (`status`);