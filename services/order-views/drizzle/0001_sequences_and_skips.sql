ALTER TABLE `order_views` ADD `status_seq` integer;--> statement-breakpoint
ALTER TABLE `order_views` ADD `payment_seq` integer;--> statement-breakpoint
ALTER TABLE `order_views` ADD `shipment_seq` integer;--> statement-breakpoint
ALTER TABLE `order_views_next` ADD `status_seq` integer;--> statement-breakpoint
ALTER TABLE `order_views_next` ADD `payment_seq` integer;--> statement-breakpoint
ALTER TABLE `order_views_next` ADD `shipment_seq` integer;--> statement-breakpoint
ALTER TABLE `rebuild_state` ADD `skipped` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rebuild_state` ADD `skipped_events` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `rebuild_state` ADD `mode` text;