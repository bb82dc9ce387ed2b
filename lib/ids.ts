import { randomBytes } from 'node:crypto';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

// Identifier shapes of the Aiven API: "org4f9ed964ba9" and "a225dad8d3c4".
export const newOrganizationId = () => `org${hex(6).slice(0, 11)}`;
export const newAccountId = () => `a${hex(6).slice(0, 11)}`;
export const newUserId = () => `u${hex(6).slice(0, 11)}`;
export const newTokenId = () => hex(12);
export const newAuthenticationMethodId = () => `am${hex(6).slice(0, 11)}`;
export const newDomainId = () => `dom${hex(6).slice(0, 11)}`;
export const newProjectId = () => `prj${hex(6)}`;
export const newServiceId = () => `svc${hex(6)}`;
export const newRowId = () => hex(12);
