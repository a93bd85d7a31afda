/** The format of both signed documents (decision 0002); its own module so that reading it loads no schema library. */
export const FORMAT = 'candor-canary/1';
