import { afterAll, afterEach } from 'vitest';
import { fileEnded, testEnded } from './db';

// Setup file of the vitest project "postgres": each test's databases are handed out again,
// emptied, to the next test; a file's connections close after it.
afterEach(() => testEnded());
afterAll(() => fileEnded());
