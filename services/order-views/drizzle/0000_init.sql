CREATE TABLE `order_views` (
	`order_id` text PRIMARY KEY NOT NULL,
	`user_id` text,
	`created_at` text,
	`total_cents` integer,
	`currency` text,
	`item_count` integer,
	`status` text DEFAULT 'pending' NOT NULL,
	`status_at` text,
	`cancel_reason` text,
	`payment_status` text DEFAULT 'none' NOT NULL,
	`payment_at` text,
	`tracking_number` text,
	`shipment_at` text,
	`last_updated` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `order_views_user` ON `order_views` (`user_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `order_views_next` (
	`order_id` text PRIMARY KEY NOT NULL,
	`user_id` text,
	`created_at` text,
	`total_cents` integer,
	`currency` text,
	`item_count` integer,
	`status` text DEFAULT 'pending' NOT NULL,
	`status_at` text,
	`cancel_reason` text,
	`payment_status` text DEFAULT 'none' NOT NULL,
	`payment_at` text,
	`tracking_number` text,
	`shipment_at` text,
	`last_updated` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `order_views_next_user` ON `order_views_next` (`user_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `rebuild_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`rebuild_id` text,
	`state` text NOT NULL,
	`processed` integer NOT NULL,
	`total` integer NOT NULL,
	`started_at` text,
	`finished_at` text,
	`error` text
);
