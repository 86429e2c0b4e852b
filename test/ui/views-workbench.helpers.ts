// A workbench for component suites whose views are removed before it closes (an open event
// stream would hold its server).
import { withServer } from '../helpers/http-workbench.ts';

export const withWorkbench = (fn: Parameters<typeof withServer>[0]) =>
  withServer(async (context) => {
    try {
      await fn(context);
    } finally {
      document.body.replaceChildren();
    }
  });
