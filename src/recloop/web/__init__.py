"""recloop.web"""
