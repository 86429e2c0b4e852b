/** Vite's `?inline` CSS import: the file's text (adopted into a shadow root as a style sheet). */
declare module '*.css?inline' {
  const css: string;
  export default css;
}
