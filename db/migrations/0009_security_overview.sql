CREATE TABLE `sign_in_daily_counts` (
	`organization_id` text NOT NULL,
	`day` text NOT NULL,
	`event` text NOT NULL,
	`dimension` text NOT NULL,
	`value` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`organization_id`, `day`, `event`, `dimension`, `value`),
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `audit_org_event_time_idx` ON `audit_events` (`organization_id`,`event`,`time`);