CREATE TABLE `voided_orders` (
	`order_id` text PRIMARY KEY NOT NULL,
	`reason` text,
	`voided_at` text NOT NULL
);
