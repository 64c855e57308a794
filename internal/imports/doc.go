// Package imports reads contacts and deals from CSV files and writes lists
// of them back out as CSV.
//
// An import is uploaded (the file streams to the blob store under the
// company's prefix, "<company_id>/imports/<import_id>.csv", and is read once
// on the way to count its rows and keep its header), mapped (each column to a
// field, guessed from the header and previewed on the first rows), then
// started: the start queues a River job in the same transaction that marks
// the import queued. The job reads the file record by record and writes it
// in batches, one tenant transaction per batch, with the import's counters in
// the same transaction: progress is visible while it runs, a retried job
// resumes after the last committed batch, and a file of any size is never
// whole in memory. Rows that cannot be imported are kept with the reason, for
// a downloadable report.
package imports
