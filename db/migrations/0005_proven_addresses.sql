ALTER TABLE `invitations` ADD `mailed_time` text;--> statement-breakpoint
ALTER TABLE `users` ADD `email_verified_time` text;--> statement-breakpoint
-- Existing accounts count as proven only where the proof is on record (SECURITY.md, "proven
-- addresses"). The first-run super admin: the operator set the account up.
UPDATE `users` SET `email_verified_time` = `create_time`
WHERE `id` IN (SELECT `actor_user_id` FROM `audit_events` WHERE `event` = 'setup.completed');--> statement-breakpoint
-- A third-party provider said it verified the address when the account was made or linked by it.
UPDATE `users` SET `email_verified_time` = (
  SELECT min(`time`) FROM `audit_events` a
  WHERE a.`event` = 'identity.linked' AND a.`actor_user_id` = `users`.`id`
    AND json_extract(a.`details`, '$.via') IN ('verified_email', 'sign_up')
    AND lower(json_extract(a.`details`, '$.provider_email')) = `users`.`email`
)
WHERE `email_verified_time` IS NULL AND EXISTS (
  SELECT 1 FROM `audit_events` a
  WHERE a.`event` = 'identity.linked' AND a.`actor_user_id` = `users`.`id`
    AND json_extract(a.`details`, '$.via') IN ('verified_email', 'sign_up')
    AND lower(json_extract(a.`details`, '$.provider_email')) = `users`.`email`
);--> statement-breakpoint
-- The account signs in through an identity provider of the organization that verified its domain.
UPDATE `users` SET `email_verified_time` = (
  SELECT min(ei.`create_time`) FROM `external_identities` ei
  JOIN `authentication_methods` am ON ei.`provider` = 'saml:' || am.`id`
  WHERE ei.`user_id` = `users`.`id` AND am.`organization_id` = `users`.`managing_organization_id`
)
WHERE `email_verified_time` IS NULL AND `managing_organization_id` IS NOT NULL AND EXISTS (
  SELECT 1 FROM `external_identities` ei
  JOIN `authentication_methods` am ON ei.`provider` = 'saml:' || am.`id`
  WHERE ei.`user_id` = `users`.`id` AND am.`organization_id` = `users`.`managing_organization_id`
);
