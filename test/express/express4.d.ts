// Express 4 is installed under the alias `express4`; its API used by the tests matches the
// Express 5 types closely enough to reuse them.
declare module 'express4' {
  import express from 'express';
  export default express;
}
