// Placeholder: being implemented.
export const handler = async (): Promise<never> => {
  throw new Error('not implemented');
};
