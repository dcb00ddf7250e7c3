CREATE TABLE `charges_in_doubt` (
	`order_id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`currency` text NOT NULL,
	`reason` text,
	`since` text NOT NULL,
	`checks` integer DEFAULT 0 NOT NULL,
	`checked_at` text,
	`outcome` text,
	`resolved_at` text
);
--> statement-breakpoint
CREATE INDEX `charges_in_doubt_outcome` ON `charges_in_doubt` (`outcome`);--> statement-breakpoint
ALTER TABLE `simulated_charges` ADD `settles_at` text;