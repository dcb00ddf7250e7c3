CREATE TABLE `contacts` (
	`user_id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `notifications` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`event_id` text NOT NULL,
	`event_type` text NOT NULL,
	`user_id` text NOT NULL,
	`channel` text DEFAULT 'email' NOT NULL,
	`to_address` text,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`next_attempt_at` integer DEFAULT 0 NOT NULL,
	`message_id` text,
	`created_at` text NOT NULL,
	`sent_at` text,
	CONSTRAINT "notifications_status" CHECK("notifications"."status" IN ('pending', 'sent', 'failed')),
	CONSTRAINT "notifications_attempts" CHECK("notifications"."attempts" >= 0),
	CONSTRAINT "notifications_sent_at" CHECK(("notifications"."status" = 'sent') = ("notifications"."sent_at" IS NOT NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_id_unique` ON `notifications` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_event_id_unique` ON `notifications` (`event_id`);--> statement-breakpoint
CREATE INDEX `notifications_user` ON `notifications` (`user_id`,`seq`);--> statement-breakpoint
CREATE INDEX `notifications_pending` ON `notifications` (`seq`) WHERE "notifications"."status" = 'pending';