"""saleor-asc-app: a Saleor App that connects a Saleor store to Amazon Seller Central."""

__version__ = "0.1.0"
