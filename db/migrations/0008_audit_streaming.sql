CREATE TABLE `audit_stream_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`destination_id` text NOT NULL,
	`time` text NOT NULL,
	`event_id` text NOT NULL,
	`outcome` text NOT NULL,
	`attempt` integer NOT NULL,
	`status` integer,
	`error` text,
	FOREIGN KEY (`destination_id`) REFERENCES `audit_stream_destinations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `audit_stream_deliveries_destination_idx` ON `audit_stream_deliveries` (`destination_id`,`id`);--> statement-breakpoint
CREATE TABLE `audit_stream_destinations` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`url` text NOT NULL,
	`ca_certificate` text,
	`secret` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`create_time` text NOT NULL,
	`update_time` text NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `audit_stream_destinations_org_idx` ON `audit_stream_destinations` (`organization_id`);--> statement-breakpoint
CREATE TABLE `audit_stream_leases` (
	`destination_id` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`expiry_time` text NOT NULL,
	FOREIGN KEY (`destination_id`) REFERENCES `audit_stream_destinations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `audit_stream_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`destination_id` text NOT NULL,
	`event_id` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_time` text NOT NULL,
	`last_error` text,
	FOREIGN KEY (`destination_id`) REFERENCES `audit_stream_destinations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`event_id`) REFERENCES `audit_events`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `audit_stream_outbox_destination_idx` ON `audit_stream_outbox` (`destination_id`,`id`);