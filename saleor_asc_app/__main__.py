from saleor_asc_app.cli import main

main()
