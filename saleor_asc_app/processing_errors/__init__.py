"""“Amazon Seller Central File Processing Errors”: problems Amazon reported back, listed and e-mailed as digests."""
