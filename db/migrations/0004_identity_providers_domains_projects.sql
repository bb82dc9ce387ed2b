CREATE TABLE `authentication_methods` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`vendor` text DEFAULT 'custom' NOT NULL,
	`enabled` integer DEFAULT false NOT NULL,
	`saml_idp_url` text,
	`saml_entity_id` text,
	`saml_idp_login_allowed` integer DEFAULT false NOT NULL,
	`saml_assertion_signed_enabled` integer DEFAULT true NOT NULL,
	`saml_authn_requests_signed_enabled` integer DEFAULT false NOT NULL,
	`saml_requested_authn_context_enabled` integer DEFAULT false NOT NULL,
	`saml_digest_algorithm` text DEFAULT 'sha256' NOT NULL,
	`saml_signature_algorithm` text DEFAULT 'rsa-sha256' NOT NULL,
	`saml_field_mapping` text DEFAULT '{}' NOT NULL,
	`saml_variant` text,
	`sp_private_key` text NOT NULL,
	`sp_certificate` text NOT NULL,
	`auth_token_max_age_seconds` integer,
	`auth_token_extend_when_used` integer DEFAULT true NOT NULL,
	`create_time` text NOT NULL,
	`update_time` text NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `authentication_methods_org_idx` ON `authentication_methods` (`organization_id`);--> statement-breakpoint
CREATE TABLE `domain_authentication_methods` (
	`domain_id` text NOT NULL,
	`method_id` text NOT NULL,
	`create_time` text NOT NULL,
	PRIMARY KEY(`domain_id`, `method_id`),
	FOREIGN KEY (`domain_id`) REFERENCES `domains`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`method_id`) REFERENCES `authentication_methods`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `domain_methods_method_idx` ON `domain_authentication_methods` (`method_id`);--> statement-breakpoint
CREATE TABLE `domains` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`domain_name` text NOT NULL,
	`verification_type` text DEFAULT 'dns' NOT NULL,
	`challenge_token` text NOT NULL,
	`state` text DEFAULT 'unverified' NOT NULL,
	`last_check_time` text,
	`last_check_result` text,
	`verified_time` text,
	`create_time` text NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `domains_org_name_idx` ON `domains` (`organization_id`,`domain_name`);--> statement-breakpoint
CREATE UNIQUE INDEX `domains_verified_name_idx` ON `domains` (`domain_name`) WHERE state = 'verified';--> statement-breakpoint
CREATE TABLE `external_identities` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`provider` text NOT NULL,
	`subject` text NOT NULL,
	`email` text,
	`create_time` text NOT NULL,
	`last_used_time` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `external_identities_provider_subject_idx` ON `external_identities` (`provider`,`subject`);--> statement-breakpoint
CREATE INDEX `external_identities_user_idx` ON `external_identities` (`user_id`);--> statement-breakpoint
CREATE TABLE `projects` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`organization_id` text,
	`created_by_user_id` text,
	`cloud` text DEFAULT '' NOT NULL,
	`tech_emails` text DEFAULT '[]' NOT NULL,
	`create_time` text NOT NULL,
	`update_time` text NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `projects_name_unique` ON `projects` (`name`);--> statement-breakpoint
CREATE INDEX `projects_org_idx` ON `projects` (`organization_id`);--> statement-breakpoint
CREATE TABLE `saml_certificates` (
	`id` text PRIMARY KEY NOT NULL,
	`method_id` text NOT NULL,
	`pem` text NOT NULL,
	`subject` text NOT NULL,
	`issuer` text NOT NULL,
	`not_before` text NOT NULL,
	`not_after` text NOT NULL,
	`create_time` text NOT NULL,
	FOREIGN KEY (`method_id`) REFERENCES `authentication_methods`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `saml_certificates_method_idx` ON `saml_certificates` (`method_id`);--> statement-breakpoint
CREATE TABLE `saml_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`method_id` text NOT NULL,
	`purpose` text NOT NULL,
	`user_id` text,
	`create_time` text NOT NULL,
	`expiry_time` text NOT NULL,
	FOREIGN KEY (`method_id`) REFERENCES `authentication_methods`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `saml_seen_assertions` (
	`method_id` text NOT NULL,
	`assertion_id` text NOT NULL,
	`expiry_time` text NOT NULL,
	PRIMARY KEY(`method_id`, `assertion_id`),
	FOREIGN KEY (`method_id`) REFERENCES `authentication_methods`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `services` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`name` text NOT NULL,
	`service_type` text NOT NULL,
	`plan` text NOT NULL,
	`state` text DEFAULT 'RUNNING' NOT NULL,
	`user_config` text DEFAULT '{}' NOT NULL,
	`create_time` text NOT NULL,
	`update_time` text NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `services_project_name_idx` ON `services` (`project_id`,`name`);