// Package provenance says where a file surfscope wrote came from, inside the file or beside it, so
// that a figure can be checked: the surfscope version and commit, the command line (or the app's
// action and the command that redoes it headless), when it ran, the model's path and SHA-256, the
// dataset and split, the probe and its seed, the grid and its coordinate ranges, the metric and the
// logit. docs/METRICS.md ("Provenance") defines every field.
//
// A Record holds these fields; view builds one from a view.State, the commands and the app add what
// they did. Each format carries it its own way, and Read gets it back from any of them:
//
//   - PNG: one text chunk per field after IHDR (PNGWriter), keyword "surfscope:" + the field's key;
//     tEXt when the value is printable ASCII, iTXt (UTF-8) otherwise; plus "Software" and
//     "Creation Time". ImageMagick's identify -verbose lists them; Python reads them with struct and zlib.
//   - SVG: a metadata element with the record as JSON (InsertSVGMetadata).
//   - PDF: a document information dictionary appended as an incremental update (AppendPDFInfo).
//   - GIF: a comment extension after the global colour table holding the record's text form (GIFWriter).
//   - NPY: a JSON sidecar NAME.npy.json beside NAME.npy with the record and the NPY file's SHA-256 and
//     shape (WriteSidecar, ReadSidecar checks that it belongs to the file).
//   - VTK (.vts): one String array per field in the grid's FieldData (WriteVTKFieldData).
//   - JSON: a "provenance" object as the first key of the document (MarshalJSON).
//   - CSV: "# key: value" comment lines before the header row (WriteCSVHeader).
//   - Checkpoints (.safetensors): the record as JSON under MetaKey in the net's metadata, which the
//     checkpoint stores in its header's __metadata__ "meta" object; so do the checkpoints of a
//     series (train --out-dir, whose index series.json has a provenance block) and the checkpoint
//     inside a training-state file (train --resume).
//
// The flat form of a Record (Fields, FromFields) is what PNG, GIF, VTK and CSV store, and what
// `surfscope provenance FILE` prints as "key: value" lines (Text, ParseText).
package provenance
