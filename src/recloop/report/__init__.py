"""recloop.report"""
