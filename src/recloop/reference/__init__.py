"""recloop.reference"""
