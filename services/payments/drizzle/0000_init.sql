CREATE TABLE `payments` (
	`order_id` text PRIMARY KEY NOT NULL,
	`payment_id` text NOT NULL,
	`user_id` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`failure_reason` text,
	`charge_ref` text,
	`refund_ref` text,
	`refund_reason` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "payments_amount" CHECK("payments"."amount_cents" > 0),
	CONSTRAINT "payments_charge_ref" CHECK("payments"."status" = 'failed' OR "payments"."charge_ref" IS NOT NULL)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payments_payment_id_unique` ON `payments` (`payment_id`);--> statement-breakpoint
CREATE INDEX `payments_status` ON `payments` (`status`);--> statement-breakpoint
CREATE INDEX `payments_user` ON `payments` (`user_id`);--> statement-breakpoint
CREATE TABLE `simulated_charges` (
	`idempotency_key` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`token` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`currency` text NOT NULL,
	`attempts` integer NOT NULL,
	`outcome` text,
	`charge_id` text,
	`refund_attempts` integer DEFAULT 0 NOT NULL,
	`refund_id` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `simulated_charges_charge_id_unique` ON `simulated_charges` (`charge_id`);--> statement-breakpoint
CREATE INDEX `simulated_charges_order` ON `simulated_charges` (`order_id`);