CREATE TABLE "sign_in_daily_counts" (
	"organization_id" text NOT NULL,
	"day" text NOT NULL,
	"event" text NOT NULL,
	"dimension" text NOT NULL,
	"value" text NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "sign_in_daily_counts_organization_id_day_event_dimension_value_pk" PRIMARY KEY("organization_id","day","event","dimension","value")
);
--> statement-breakpoint
ALTER TABLE "sign_in_daily_counts" ADD CONSTRAINT "sign_in_daily_counts_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_org_event_time_idx" ON "audit_events" USING btree ("organization_id","event","time");