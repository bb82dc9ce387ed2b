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
