import { parseId } from '@athena/core-types';

/** A method's `projectId` argument, parsed. */
export const projectIdOf = (value: unknown): number => parseId(value, 'projectId');
