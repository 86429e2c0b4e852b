/** The workbench page's entry: the app shell and every view it routes to. */
import './app/athanor-app.ts';
