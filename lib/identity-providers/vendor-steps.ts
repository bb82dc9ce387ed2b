import type { SamlVendorName } from './schema';

// Setup steps per vendor, in our words: where in the vendor's console our two URLs go, and
// which attributes to send. Shown on the identity provider's page; no effect on the protocol.

export type VendorSteps = { console: string; steps: string[]; attributes: string };

const COMMON_ATTRIBUTES = 'Send the email address as NameID or as an "email" attribute; add "firstName" and "lastName" for the name.';

export const VENDOR_STEPS: Record<SamlVendorName, VendorSteps> = {
  okta: {
    console: 'Okta Admin Console → Applications → Create App Integration → SAML 2.0',
    steps: [
      'Name the app (for example "Portcullis") and continue to "Configure SAML".',
      'Paste the ACS URL into "Single sign-on URL" and keep "Use this for Recipient URL and Destination URL" ticked.',
      'Paste the SP entity ID into "Audience URI (SP Entity ID)". Name ID format: EmailAddress; Application username: Email.',
      'Under "Attribute Statements" add email → user.email, firstName → user.firstName, lastName → user.lastName.',
      'Finish, open the app\'s "Sign On" tab and copy the metadata URL\'s contents, or "View SAML setup instructions" for the three values.',
      'Assign the people or groups who may sign in on the "Assignments" tab.',
    ],
    attributes: 'email, firstName, lastName (Okta sends exactly the names you type).',
  },
  azure_ad: {
    console: 'Microsoft Entra admin center → Enterprise applications → New application → Create your own application (non-gallery)',
    steps: [
      'Open "Single sign-on" and choose SAML.',
      'In "Basic SAML Configuration", set "Identifier (Entity ID)" to the SP entity ID and "Reply URL (Assertion Consumer Service URL)" to the ACS URL.',
      'Keep the default claims: Entra sends the address and names under its claim URIs, which Portcullis reads without a mapping.',
      'From "SAML Certificates" download "Federation Metadata XML" and import it here, or copy "Login URL", "Microsoft Entra Identifier" and the Base64 certificate.',
      'Assign users and groups under "Users and groups".',
    ],
    attributes: 'The default claims (emailaddress, givenname, surname) work as they are.',
  },
  google_workspace: {
    console: 'Google Admin console → Apps → Web and mobile apps → Add app → Add custom SAML app',
    steps: [
      'Name the app, then on "Google Identity Provider details" download the metadata (import it here) or copy the SSO URL, Entity ID and certificate.',
      'On "Service provider details" paste the ACS URL and the SP entity ID. Name ID format: EMAIL; Name ID: Basic Information → Primary email.',
      'Under "Attribute mapping" map First name → firstName and Last name → lastName.',
      'Turn the app on for the organizational units that should use it (it can take a while to apply).',
    ],
    attributes: 'Name ID: primary email; firstName and lastName as app attributes.',
  },
  auth0: {
    console: 'Auth0 Dashboard → Applications → Create Application (Regular Web Application) → Addons → SAML2 Web App',
    steps: [
      'In the SAML2 Web App addon, set "Application Callback URL" to the ACS URL.',
      'In Settings, set {"audience": "<SP entity ID>", "destination": "<ACS URL>", "nameIdentifierFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"}.',
      'On the addon\'s "Usage" tab download the Identity Provider Metadata and import it here.',
    ],
    attributes: 'Auth0 sends claim URIs for email and names, which Portcullis reads without a mapping.',
  },
  onelogin: {
    console: 'OneLogin Administration → Applications → Add App → "SAML Custom Connector (Advanced)"',
    steps: [
      'On the Configuration tab set "Audience (EntityID)" to the SP entity ID, and "Recipient", "ACS (Consumer) URL" and the ACS URL validator to the ACS URL.',
      'Set "SAML signature element" to Assertion (or Both).',
      'On the Parameters tab add email, firstName and lastName, each "Include in SAML assertion".',
      'On the SSO tab copy the "SAML 2.0 Endpoint (HTTP)", the Issuer URL and the X.509 certificate, or download the metadata (More Actions → SAML Metadata).',
    ],
    attributes: COMMON_ATTRIBUTES,
  },
  jumpcloud: {
    console: 'JumpCloud Admin Portal → SSO Applications → Add New Application → Custom SAML App',
    steps: [
      'Set "IdP Entity ID" to a name of your choice and "SP Entity ID" to our SP entity ID.',
      'Set "ACS URL" to our ACS URL; SAMLSubject NameID: email; Sign: Assertion.',
      'Add user attributes email, firstName and lastName.',
      'Save, then "Export Metadata" and import it here; bind the user groups that may sign in.',
    ],
    attributes: COMMON_ATTRIBUTES,
  },
  fusionauth: {
    console: 'FusionAuth admin → Applications → Add (or edit) → SAML tab',
    steps: [
      'Enable SAML; set "Issuer" to the SP entity ID and add the ACS URL to "Authorized redirect URLs".',
      'Choose the signing key and keep "Sign response" on assertion.',
      'Copy the IdP metadata URL shown for the application (…/samlv2/metadata/<application id>), open it and import the XML here.',
    ],
    attributes: 'FusionAuth sends the email as NameID and names as attributes; map them below if yours differ.',
  },
  custom: {
    console: 'Your identity provider\'s administration console',
    steps: [
      'Create a SAML 2.0 application (service provider) for Portcullis.',
      'Give it our SP entity ID (the audience) and ACS URL (HTTP-POST binding). Our metadata URL has both.',
      'Sign assertions with RSA-SHA256 and send the email address as NameID or an attribute.',
      'Import the IdP\'s metadata XML here, or enter its single sign-on URL (HTTP-Redirect), entity ID and signing certificate.',
    ],
    attributes: COMMON_ATTRIBUTES,
  },
};
