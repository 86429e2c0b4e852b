/**
 * A CodeMirror extension: a wrapped line continues at its own indentation (a hanging
 * indent), not at the editor's left edge, so a long `.field(…)` inside a builder chain still
 * reads as part of it. Each visible indented line gets a padding as wide as its leading
 * whitespace and the same negative text-indent: its first row looks as before.
 */
import { countColumn, RangeSetBuilder } from '@codemirror/state';
import { Decoration, ViewPlugin, type DecorationSet, type EditorView, type ViewUpdate } from '@codemirror/view';

/** CodeMirror's own left padding of a line (`.cm-line { padding: 0 2px 0 6px }`). */
const LINE_PADDING_PX = 6;

function build(view: EditorView): DecorationSet {
  const builder = new RangeSetBuilder<Decoration>();
  const charWidth = view.defaultCharacterWidth;
  const { doc, tabSize } = view.state;
  for (const { from, to } of view.visibleRanges) {
    for (let pos = from; pos <= to; ) {
      const line = doc.lineAt(pos);
      const columns = countColumn(/^[ \t]*/.exec(line.text)![0], tabSize);
      if (columns > 0 && columns < line.length) {
        const indent = columns * charWidth;
        builder.add(line.from, line.from, Decoration.line({ attributes: { style: `padding-left: ${indent + LINE_PADDING_PX}px; text-indent: -${indent}px` } }));
      }
      pos = line.to + 1;
    }
  }
  return builder.finish();
}

export const hangingIndent = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    charWidth: number;
    constructor(view: EditorView) {
      this.decorations = build(view);
      this.charWidth = view.defaultCharacterWidth;
    }
    update(update: ViewUpdate) {
      // The character width is known for sure once the font has loaded (a geometry change).
      const widthChanged = update.geometryChanged && update.view.defaultCharacterWidth !== this.charWidth;
      if (!update.docChanged && !update.viewportChanged && !widthChanged) return;
      this.decorations = build(update.view);
      this.charWidth = update.view.defaultCharacterWidth;
    }
  },
  { decorations: (plugin) => plugin.decorations },
);
