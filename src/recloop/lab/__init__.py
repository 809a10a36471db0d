"""recloop.lab"""
